import type { Request, Response } from 'express';
import type { Services } from '../app/services';

/**
 * Express handler for GET /reports/:id/file?token=…: sends a DONE report's XLSX. A wrong id,
 * token or a report not ready all answer 404 alike, so ids cannot be probed.
 */
export function reportFileHandler(services: Pick<Services, 'reports'>) {
  return async (req: Request, res: Response) => {
    const id = Number(req.params.id);
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const file = Number.isInteger(id) && id > 0 && token ? await services.reports.file(id, token) : null;
    if (!file) {
      res.status(404).json({ error: 'no such report file' });
      return;
    }
    res.setHeader('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`);
    res.sendFile(file.path, (err) => {
      if (err && !res.headersSent) res.status(404).json({ error: 'no such report file' });
    });
  };
}
