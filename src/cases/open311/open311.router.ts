import { UNRESTRICTED } from '../../auth/scope';
import { createHash, timingSafeEqual } from 'node:crypto';
import { maskPersonalText } from '../../auth/mask-text';
import express, { Request, Response, Router } from 'express';
import type { Services } from '../../app/services';
import { AppError } from '../../errors/app-error';
import type { CaseCategory } from '../calendar/categories';
import { open311ListSql } from '../case.queries';
import type { CaseRecord } from '../case.types';

/** Open311 wording of each state: open or closed, and a status note in the staff's terms. */
const STATUS_NOTES: Record<string, [open: boolean, note: string]> = {
  REPORTED: [true, '已受理，待立案'],
  FILED: [true, '已立案，待派遣'],
  INVALID: [false, '不予立案'],
  DISPATCHED: [true, '已派遣至责任单位'],
  CLAIMED: [true, '责任单位已签收'],
  IN_PROGRESS: [true, '处置中'],
  RESOLVED: [true, '已处置，待核查'],
  CHECKED: [true, '已核查，待结案'],
  CLOSED: [false, '已结案'],
  PARKED: [true, '挂账'],
  ESCALATED: [true, '已上报上级处理'],
  RETURNED: [true, '已回退，待重新派遣'],
  REOPENED: [true, '评价不满意，重新办理'],
};

const MAX_REQUESTS = 1000;

/** Our input fields by their Open311 names, for error descriptions. */
const OPEN311_FIELD: Record<string, string> = {
  'input.categoryCode': 'service_code',
  'input.location': 'lat/long',
  'input.description': 'description',
};

class Open311Error extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * An Open311 GeoReport v2 facade (JSON) over the case service, so that existing 311 clients can
 * file and follow cases: services.json, services/{code}.json, requests.json (GET with filters,
 * POST with api_key) and requests/{id}.json. Errors are arrays of {code, description}.
 */
export function open311Router(services: Services): Router {
  const router = express.Router();
  const cases = services.cases;
  const byCode = new Map(cases.categories.categories.map((c) => [c.code, c]));
  router.use(express.urlencoded({ extended: false, limit: '100kb' }), express.json({ limit: '100kb' }));

  const handle =
    (fn: (req: Request, res: Response) => Promise<unknown>) =>
    (req: Request, res: Response): void => {
      fn(req, res)
        .then((body) => {
          if (!res.headersSent) res.json(body);
        })
        .catch((err: unknown) => {
          if (err instanceof Open311Error) {
            res.status(err.status).json([{ code: err.status, description: err.message }]);
          } else if (err instanceof AppError) {
            const status = err.code === 'NOT_FOUND' ? 404 : 400;
            const field = err.field ? (OPEN311_FIELD[err.field] ?? err.field) : null;
            res
              .status(status)
              .json([{ code: status, description: `${field ? `${field}: ` : ''}${err.message}` }]);
          } else {
            res.status(500).json([{ code: 500, description: 'internal server error' }]);
          }
        });
    };

  const service = (c: CaseCategory) => ({
    service_code: c.code,
    service_name: c.name,
    description: `${c.name}（办理时限 ${c.limitWorkingDays} 个工作日${c.complex ? '，复杂事项' : ''}）`,
    metadata: false,
    type: 'realtime',
    keywords: c.class,
    group: c.parent ? (byCode.get(c.parent)?.name ?? c.parent) : c.name,
  });

  const request = (c: CaseRecord) => {
    const [open, note] = STATUS_NOTES[c.status] ?? [true, c.status];
    const category = byCode.get(c.categoryCode);
    return {
      service_request_id: String(c.id),
      status: open ? 'open' : 'closed',
      status_notes: c.status === 'INVALID' && c.invalidReason ? `${note}：${c.invalidReason}` : note,
      service_name: category?.name ?? c.categoryCode,
      service_code: c.categoryCode,
      // the request list is public (GeoReport v2): the reporter's name and phone are never in it,
      // and numbers typed into the description are masked
      description: maskPersonalText(c.description),
      agency_responsible: c.departmentCode ?? c.handlingAreaCode,
      service_notice: null,
      requested_datetime: c.reportedAt.toISOString(),
      updated_datetime: c.updatedAt.toISOString(),
      expected_datetime: c.dueAt ? c.dueAt.toISOString() : null,
      address: null,
      address_id: null,
      zipcode: null,
      lat: c.lat,
      long: c.lon,
      media_url: null,
    };
  };

  router.get(
    '/services.json',
    handle(async () => cases.categories.categories.map(service)),
  );

  router.get(
    '/services/:code.json',
    handle(async (req) => {
      const c = byCode.get(String(req.params.code));
      if (!c) throw new Open311Error(404, `service_code ${String(req.params.code)} not found`);
      return { service_code: c.code, attributes: [] };
    }),
  );

  router.post(
    '/requests.json',
    handle(async (req, res) => {
      const p = {
        ...(req.query as Record<string, unknown>),
        ...((req.body ?? {}) as Record<string, unknown>),
      };
      const keys = (services.config.OPEN311_API_KEYS ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean);
      // compared as SHA-256 digests in constant time, so response timing tells nothing of a key
      const digest = (k: string) => createHash('sha256').update(k).digest();
      const presented = typeof p.api_key === 'string' ? digest(p.api_key) : null;
      if (!presented || !keys.some((k) => timingSafeEqual(digest(k), presented))) {
        throw new Open311Error(403, 'api_key is missing or not valid');
      }
      const code = typeof p.service_code === 'string' ? p.service_code : '';
      if (!code) throw new Open311Error(400, 'service_code is required');
      const lat = Number(p.lat);
      const lon = Number(p.long);
      const given = (v: unknown) => (typeof v === 'string' ? v.trim() !== '' : typeof v === 'number');
      if (!given(p.lat) || !given(p.long) || !Number.isFinite(lat) || !Number.isFinite(lon)) {
        throw new Open311Error(400, 'lat and long are required (address_string alone cannot be located)');
      }
      const name = [p.last_name, p.first_name].filter((x) => typeof x === 'string' && x).join('');
      const created = await cases.report(
        {
          categoryCode: code,
          description: typeof p.description === 'string' ? p.description : '',
          location: { type: 'Point', coordinates: [lon, lat] },
          channel: 'APP',
          reporterName: name || null,
          reporterPhone: typeof p.phone === 'string' ? p.phone : null,
        },
        { name: 'open311', scope: UNRESTRICTED },
      );
      res.status(201);
      return [{ service_request_id: String(created.id), service_notice: '已受理', account_id: null }];
    }),
  );

  router.get(
    '/requests.json',
    handle(async (req) => {
      const q = req.query as Record<string, string | undefined>;
      const date = (name: string) => {
        if (!q[name]) return null;
        const d = new Date(q[name]!);
        if (Number.isNaN(d.getTime())) throw new Open311Error(400, `${name} must be a W3C date-time`);
        return d;
      };
      const ids = q.service_request_id
        ? q.service_request_id.split(',').map((s) => {
            if (!/^\d+$/.test(s.trim()))
              throw new Open311Error(400, `service_request_id ${s} is not a request id`);
            return Number(s.trim());
          })
        : null;
      const status = q.status ? q.status.split(',').map((s) => s.trim()) : [];
      for (const s of status)
        if (s !== 'open' && s !== 'closed')
          throw new Open311Error(400, `status must be open or closed, got ${s}`);
      const closed = status.length === 1 ? status[0] === 'closed' : null;
      // the standard's default window: the last 90 days, unless ids are asked for
      const end = date('end_date');
      const start =
        date('start_date') ?? (ids ? null : new Date((end ?? new Date()).getTime() - 90 * 86_400_000));
      const { rows } = await services.pool.query<CaseRecord>(
        open311ListSql({ ids, serviceCode: q.service_code ?? null, start, end, closed, limit: MAX_REQUESTS }),
      );
      return rows.map(request);
    }),
  );

  router.get(
    '/requests/:id.json',
    handle(async (req) => {
      const id = String(req.params.id);
      if (!/^\d+$/.test(id)) throw new Open311Error(404, `request ${id} not found`);
      const [c] = await cases.byIds([Number(id)], UNRESTRICTED);
      if (!c) throw new Open311Error(404, `request ${id} not found`);
      return [request(c)];
    }),
  );

  router.use((_req: Request, res: Response) => {
    res
      .status(404)
      .json([{ code: 404, description: 'not an Open311 GeoReport v2 endpoint (JSON format only)' }]);
  });
  return router;
}
