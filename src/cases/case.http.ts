import type { Express } from 'express';
import type { Services } from '../app/services';
import { open311Router } from './open311/open311.router';
import { photoDownloadHandler, photoUploadHandler } from './photo.upload';

/** The REST routes of the cases capability: photo upload and download, the Open311 facade. */
export function mountCaseRoutes(app: Express, services: Services): void {
  const store = services.cases.photoStore;
  app.post('/cases/photos', photoUploadHandler(services, store));
  app.get('/cases/photos/:id', photoDownloadHandler(services));
  app.use('/open311/v2', open311Router(services));
}
