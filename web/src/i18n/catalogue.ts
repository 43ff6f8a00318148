import en from './en.json' with { type: 'json' };
import zhCN from './zh-CN.json' with { type: 'json' };
import checkpointOfflineEn from './parts/checkpoint-offline.en.json' with { type: 'json' };
import checkpointOfflineZh from './parts/checkpoint-offline.zh-CN.json' with { type: 'json' };
import dispatchEn from './parts/dispatch.en.json' with { type: 'json' };
import dispatchZh from './parts/dispatch.zh-CN.json' with { type: 'json' };
import healthDeskEn from './parts/health-desk.en.json' with { type: 'json' };
import healthDeskZh from './parts/health-desk.zh-CN.json' with { type: 'json' };
import labDeskEn from './parts/lab-desk.en.json' with { type: 'json' };
import labDeskZh from './parts/lab-desk.zh-CN.json' with { type: 'json' };
import oversightDeskEn from './parts/oversight-desk.en.json' with { type: 'json' };
import oversightDeskZh from './parts/oversight-desk.zh-CN.json' with { type: 'json' };
import residentExtraEn from './parts/resident-extra.en.json' with { type: 'json' };
import residentExtraZh from './parts/resident-extra.zh-CN.json' with { type: 'json' };
import venueDeskEn from './parts/venue-desk.en.json' with { type: 'json' };
import venueDeskZh from './parts/venue-desk.zh-CN.json' with { type: 'json' };
import workerOpsEn from './parts/worker-ops.en.json' with { type: 'json' };
import workerOpsZh from './parts/worker-ops.zh-CN.json' with { type: 'json' };

// Each screen family keeps its strings in its own part (one top-level key per part), so the catalogue grows
// without every change touching one large file.
export const catalogueEn = {
  ...en,
  ...checkpointOfflineEn,
  ...dispatchEn,
  ...healthDeskEn,
  ...labDeskEn,
  ...oversightDeskEn,
  ...residentExtraEn,
  ...venueDeskEn,
  ...workerOpsEn,
};

export const catalogueZhCN = {
  ...zhCN,
  ...checkpointOfflineZh,
  ...dispatchZh,
  ...healthDeskZh,
  ...labDeskZh,
  ...oversightDeskZh,
  ...residentExtraZh,
  ...venueDeskZh,
  ...workerOpsZh,
};
