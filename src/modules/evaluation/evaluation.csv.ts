import { stringify } from 'csv-stringify/sync';
import type { WorkflowMetrics } from '../../core/workflow/index.ts';

const HOUR_MS = 3_600_000;
const rate = (v: number | null) => (v === null ? '' : v.toFixed(4));
const hours = (v: number | null) => (v === null ? '' : (v / HOUR_MS).toFixed(2));

const HEADER = [
  'group',
  'label_zh',
  'label_en',
  'reported',
  'rejected',
  'filed',
  'due_for_closure',
  'closed',
  'closed_on_time',
  'open',
  'parked',
  'overdue',
  'handled',
  'reworked',
  'closure_rate',
  'on_time_closure_rate',
  'rework_rate',
  'average_handling_hours',
  'average_closing_hours',
];

function row(key: string, label: { 'zh-CN': string; en: string } | null, m: WorkflowMetrics): string[] {
  return [
    key,
    label?.['zh-CN'] ?? '',
    label?.en ?? '',
    String(m.reported),
    String(m.rejected),
    String(m.filed),
    String(m.dueForClosure),
    String(m.closed),
    String(m.closedOnTime),
    String(m.open),
    String(m.parked),
    String(m.overdue),
    String(m.handled),
    String(m.reworked),
    rate(m.closureRate),
    rate(m.onTimeClosureRate),
    rate(m.reworkRate),
    hours(m.averageHandlingMs),
    hours(m.averageClosingMs),
  ];
}

/** One row per group and a final `total` row; empty cells where a rate has no denominator. UTF-8 with a BOM for spreadsheet apps. */
export function evaluationCsv(result: {
  total: WorkflowMetrics;
  groups: { key: string | null; label: { 'zh-CN': string; en: string } | null; metrics: WorkflowMetrics }[];
}): string {
  const rows = [
    HEADER,
    ...result.groups.map((g) => row(g.key ?? '(none)', g.label, g.metrics)),
    row('total', null, result.total),
  ];
  return `\uFEFF${stringify(rows)}`;
}
