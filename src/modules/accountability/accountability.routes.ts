import type { RouteModule } from '../../platform/http/types.ts';
import { setCodeIssuanceGate } from '../codes/codes.service.ts';
import { anomalyRoutes } from '../anomalies/anomalies.routes.ts';
import { startAnomalyDetection } from '../anomalies/detection.ts';
import { appealRoutes } from '../appeals/appeals.routes.ts';
import { auditRoutes } from '../audit/audit.routes.ts';
import { emergencyRoutes } from '../emergencies/emergencies.routes.ts';
import { exportApprovalRoutes } from '../export-approvals/export-approvals.routes.ts';
import { emergencyGate } from '../emergencies/emergencies.service.ts';
import { meTransparencyRoutes } from '../transparency/me.routes.ts';
import { transparencyReportRoutes } from '../transparency/report.routes.ts';
import { retentionRoutes } from '../retention/retention.routes.ts';
import { registerAccountabilityJobs } from './accountability.jobs.ts';

// Health codes are issued only under a declared emergency covering the person's jurisdiction.
setCodeIssuanceGate(emergencyGate);
registerAccountabilityJobs();

/** The accountability routes: audit log, emergencies, appeals, anomalies, retention, transparency. */
export const accountabilityRoutes: RouteModule = async (app, ctx) => {
  // Detectors watch the event stream of every server process.
  startAnomalyDetection(ctx);
  await auditRoutes(app, ctx);
  await emergencyRoutes(app, ctx);
  await appealRoutes(app, ctx);
  await meTransparencyRoutes(app, ctx);
  await anomalyRoutes(app, ctx);
  await retentionRoutes(app, ctx);
  await exportApprovalRoutes(app, ctx);
  await transparencyReportRoutes(app, ctx);
};
