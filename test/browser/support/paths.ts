import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const ARTIFACTS = path.join(REPO, 'test-artifacts', 'screenshots');
export const DOCS_SCREENSHOTS = path.join(REPO, 'docs', 'screenshots');
