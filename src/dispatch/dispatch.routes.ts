import type { Middleware } from 'koa';
import type { Authenticator } from '../platform/auth/operator-auth.ts';
import type { MountedModule } from '../platform/http/app.ts';
import type { OpenApiRegistry } from '../platform/http/openapi.ts';
import { ModuleRouter } from '../platform/http/route.ts';
import type { AnalyticsService } from './analytics.service.ts';
import type { AssignService } from './assign.service.ts';
import type { DriverService } from './drivers.service.ts';
import type { InsightsService } from './insights.service.ts';
import type { OrderUpdates } from './order-update.service.ts';
import type { OrderReads } from './orders.service.ts';
import type { PricingService } from './pricing.service.ts';
import type { RefundService } from './refunds.service.ts';
import { DISPATCH_PREFIX } from './dispatch.paths.ts';
import { addOrderRoutes } from './orders.routes.ts';
import { addDriverRoutes } from './drivers.routes.ts';
import { addFinanceRoutes } from './finance.routes.ts';
import { addInsightRoutes } from './insights.routes.ts';

export interface DispatchRouteDeps {
  auth: Authenticator;
  /** Per-admin budgets (spec 002 §7). */
  standard: Middleware;
  analytics: Middleware;
  orders: OrderReads;
  updates: OrderUpdates;
  assign: AssignService;
  refunds: RefundService;
  drivers: DriverService;
  pricing: PricingService;
  insightsOf: { analytics: AnalyticsService; insights: InsightsService };
}

/**
 * Spec 002, dispatch. Under /api/admin beside the cockpit: every route names the
 * dispatch envelope, so neither module's answers change. Reads viewer, changes
 * operator, pricing and driver approval admin.
 */
export function createDispatchRoutes(deps: DispatchRouteDeps & { openapi: OpenApiRegistry }): MountedModule {
  const r = new ModuleRouter({
    prefix: DISPATCH_PREFIX,
    tag: 'dispatch',
    envelope: 'dispatch',
    registry: deps.openapi,
  });
  addOrderRoutes(r, deps);
  addDriverRoutes(r, deps);
  addFinanceRoutes(r, deps);
  addInsightRoutes(r, deps);
  return r.mounted();
}
