import type { Express } from 'express';
import type { Services } from '../app/services';
import { photoDownloadHandler, photoUploadHandler } from './photo.upload';

/** The REST routes of the cases capability: photo upload and download. */
export function mountCaseRoutes(app: Express, services: Services): void {
  const store = services.cases.photoStore;
  app.post('/cases/photos', photoUploadHandler(store));
  app.get('/cases/photos/:id', photoDownloadHandler(store));
}
