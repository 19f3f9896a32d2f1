import type { EntityManager } from '@mikro-orm/postgresql';
import type { MikroORM } from '@mikro-orm/postgresql';
import { recordAudit, type AuditContext } from '../platform/audit/audit.ts';
import { AppError, notFound } from '../platform/http/errors.ts';
import { iso, isoOrNull } from '../platform/http/wire.ts';
import type { DriverStatus, OnboardingStatus } from './entities/driver.entity.ts';
import { containing } from '../platform/db/keyset.ts';

interface DriverRow {
  id: string;
  user_id: string;
  name: string;
  email: string;
  user_created_at: Date;
  status: DriverStatus;
  onboarding_status: OnboardingStatus;
  rating: number;
  strikes: number;
  profile: Record<string, unknown>;
  checks: Record<string, unknown>;
  availability: string;
  last_seen_at: Date | null;
  created_at: Date;
  approved_at: Date | null;
  approved_by: string | null;
  rejected_at: Date | null;
  rejected_by: string | null;
  rejection_reason: string | null;
  notes: string | null;
  conditions: string[] | null;
  documents: Record<string, unknown>[];
  vehicles: Record<string, unknown>[];
  ratings: { rating: number; createdAt: string }[];
}

/** A driver with what they hold, aggregated in the same statement (one round trip per page). */
const DRIVER_SELECT = `
  select d.*,
    coalesce((select json_agg(json_build_object('id', x.id, 'category', x.category, 'fileUrl', x.file_url,
        'status', x.status, 'uploadedAt', x.uploaded_at, 'expiresAt', x.expires_at, 'verifiedAt', x.verified_at)
        order by x.uploaded_at) from driver_document x where x.driver_id = d.id), '[]') as documents,
    coalesce((select json_agg(json_build_object('id', v.id, 'make', v.make, 'model', v.model, 'reg', v.reg,
        'weightClass', v.weight_class, 'motExpiry', v.mot_expiry) order by v.id)
        from driver_vehicle v where v.driver_id = d.id), '[]') as vehicles,
    coalesce((select json_agg(json_build_object('rating', r.rating, 'createdAt', r.created_at)
        order by r.created_at desc) from (select * from driver_rating where driver_id = d.id
        order by created_at desc limit 50) r), '[]') as ratings
  from driver d`;

/** JSON from json_build_object has no nulls the spec marks optional, and timestamps as ISO text. */
const withoutNulls = (o: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(o)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? iso(v) : v]),
  );

function presentApplication(d: DriverRow) {
  return {
    id: d.id,
    onboardingStatus: d.onboarding_status,
    rating: d.rating,
    createdAt: iso(d.created_at),
    user: { id: d.user_id, name: d.name, email: d.email, createdAt: iso(d.user_created_at) },
    documents: d.documents.map(withoutNulls),
    vehicles: d.vehicles.map(withoutNulls),
    checks: d.checks,
    profile: d.profile,
    ratings: d.ratings.map((r) => ({ rating: r.rating, createdAt: iso(r.createdAt) })),
  };
}

export function createDriverService(deps: { orm: MikroORM }) {
  const em = () => deps.orm.em as EntityManager;
  const sql = <T>(q: string, p: unknown[] = []) => em().execute(q, p) as Promise<T[]>;

  async function one(id: string) {
    const [d] = await sql<DriverRow>(`${DRIVER_SELECT} where d.id = ?`, [id]);
    if (!d) throw notFound('driver');
    return d;
  }

  async function detail(id: string) {
    const d = await one(id);
    const [incidents, bookings] = await Promise.all([
      sql<{ id: string; type: string; severity: string; description: string; created_at: Date; resolved: boolean }>(
        'select * from driver_incident where driver_id = ? order by created_at desc limit 100',
        [id],
      ),
      sql<{ id: string; status: string; amount_pence: number; created_at: Date }>(
        `select id, status, amount_pence, created_at from dispatch_order where driver_id = ?
          order by created_at desc, id desc limit 50`,
        [id],
      ),
    ]);
    const { onboardingStatus, ...app } = presentApplication(d);
    return {
      id: d.id,
      status: d.status,
      onboardingStatus,
      rating: d.rating,
      strikes: d.strikes,
      createdAt: app.createdAt,
      user: app.user,
      profile: app.profile,
      vehicles: app.vehicles,
      checks: app.checks,
      documents: app.documents,
      ratings: app.ratings,
      incidents: incidents.map((i) => ({
        id: i.id,
        type: i.type,
        severity: i.severity,
        description: i.description,
        createdAt: iso(i.created_at),
        resolved: i.resolved,
      })),
      bookings: bookings.map((b) => ({
        id: b.id,
        status: b.status,
        amountPence: b.amount_pence,
        createdAt: iso(b.created_at),
      })),
      availability: { status: d.availability, lastSeen: isoOrNull(d.last_seen_at) },
      ...(d.notes ? { notes: d.notes } : {}),
    };
  }

  /** Locks the driver, applies the change, audits before/after: one transaction. */
  async function change(
    id: string,
    who: AuditContext,
    action: string,
    apply: (d: DriverRow) => { sets: Record<string, unknown> },
  ) {
    await em().transactional(async (tx) => {
      const [d] = (await tx.execute('select * from driver where id = ? for update', [id])) as DriverRow[];
      if (!d) throw notFound('driver');
      const { sets } = apply(d);
      const cols = Object.keys(sets);
      await tx.execute(
        `update driver set ${[...cols.map((c) => `${c} = ?`), 'updated_at = now()'].join(', ')} where id = ?`,
        [...cols.map((c) => (c === 'conditions' ? JSON.stringify(sets[c]) : sets[c])), id],
      );
      recordAudit(tx, who, {
        action,
        resourceType: 'driver',
        resourceId: id,
        outcome: 'success',
        before: Object.fromEntries(cols.map((c) => [c, (d as unknown as Record<string, unknown>)[c] ?? null])),
        after: sets,
      });
    });
    return one(id);
  }

  const decided = (d: DriverRow, to: OnboardingStatus) => {
    if (d.onboarding_status !== 'pending' && d.onboarding_status !== to)
      throw new AppError(409, 'APPLICATION_ALREADY_DECIDED', `The application was already ${d.onboarding_status}`, {
        details: { onboardingStatus: d.onboarding_status },
      });
  };

  return {
    async applications(q: { status?: OnboardingStatus; search?: string; page: number; limit: number }) {
      const parts: string[] = [];
      const params: unknown[] = [];
      if (q.status) {
        parts.push('d.onboarding_status = ?');
        params.push(q.status);
      }
      if (q.search) {
        parts.push(`lower(d.name || ' ' || d.email) like ?`);
        params.push(containing(q.search));
      }
      const where = parts.length ? `where ${parts.join(' and ')}` : '';
      const [rows, [count], summary] = await Promise.all([
        sql<DriverRow>(`${DRIVER_SELECT} ${where} order by d.created_at desc, d.id desc limit ? offset ?`, [
          ...params,
          q.limit,
          (q.page - 1) * q.limit,
        ]),
        sql<{ n: number }>(`select count(*)::int as n from driver d ${where}`, params),
        sql<{ onboarding_status: OnboardingStatus; n: number }>(
          'select onboarding_status, count(*)::int as n from driver group by 1',
        ),
      ]);
      const by = Object.fromEntries(summary.map((s) => [s.onboarding_status, s.n]));
      return {
        drivers: rows.map(presentApplication),
        total: count.n,
        summary: { pending: by.pending ?? 0, approved: by.approved ?? 0, rejected: by.rejected ?? 0 },
      };
    },

    detail,

    async approve(id: string, body: { notes?: string; conditions?: string[] }, who: AuditContext) {
      const d = await change(id, who, 'driver.approve', (row) => {
        decided(row, 'approved');
        return {
          sets: {
            onboarding_status: 'approved',
            status: 'active',
            approved_at: row.approved_at ?? new Date(),
            approved_by: row.approved_by ?? who.actorId,
            notes: body.notes ?? row.notes,
            conditions: body.conditions ?? row.conditions,
          },
        };
      });
      return {
        id: d.id,
        onboardingStatus: 'approved' as const,
        approvedAt: iso(d.approved_at!),
        approvedBy: d.approved_by!,
        ...(d.notes ? { notes: d.notes } : {}),
        ...(d.conditions?.length ? { conditions: d.conditions } : {}),
      };
    },

    async reject(id: string, body: { reason: string; notes?: string }, who: AuditContext) {
      const d = await change(id, who, 'driver.reject', (row) => {
        decided(row, 'rejected');
        return {
          sets: {
            onboarding_status: 'rejected',
            status: 'inactive',
            rejected_at: row.rejected_at ?? new Date(),
            rejected_by: row.rejected_by ?? who.actorId,
            rejection_reason: row.rejection_reason ?? body.reason,
            notes: body.notes ?? row.notes,
          },
        };
      });
      return {
        id: d.id,
        onboardingStatus: 'rejected' as const,
        rejectedAt: iso(d.rejected_at!),
        rejectedBy: d.rejected_by!,
        reason: d.rejection_reason!,
        ...(d.notes ? { notes: d.notes } : {}),
      };
    },

    async update(id: string, body: { status?: DriverStatus; notes?: string; reason?: string }, who: AuditContext) {
      await change(id, who, 'driver.update', (row) => {
        if (body.status === 'active' && row.onboarding_status !== 'approved')
          throw new AppError(409, 'DRIVER_NOT_APPROVED', 'Only an approved driver can be made active');
        const sets: Record<string, unknown> = {};
        if (body.status) sets.status = body.status;
        if (body.notes !== undefined) sets.notes = body.notes;
        if (body.reason)
          sets.notes = [body.notes ?? row.notes, `${body.status ?? 'note'}: ${body.reason}`].filter(Boolean).join('\n');
        return { sets };
      });
      return detail(id);
    },
  };
}

export type DriverService = ReturnType<typeof createDriverService>;
