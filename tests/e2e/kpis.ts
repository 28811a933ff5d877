// What a wall's KPI cards show against the snapshot API: the e2e tests' shared check.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Kpi, Snapshot } from '../../server/contract/index.ts';
import { WALL_KPIS } from '../../screen/src/panels/KpiGrid.tsx';

export async function snapshotApi(baseUrl: string, region: string): Promise<Snapshot> {
  const r = await fetch(`${baseUrl}/api/v1/snapshot?region=${region}`);
  expect(r.status).toBe(200);
  return (await r.json()) as Snapshot;
}

/** each KPI card's data-value (the raw number last received, "" for none) */
export async function pageKpis(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('[data-kpi]')].map((e) => [
        e.getAttribute('data-kpi')!,
        e.getAttribute('data-value')!,
      ]),
    ),
  );
}

const apiValue = (kpi: Kpi, name: keyof Kpi) => (kpi[name] === null ? '' : String(kpi[name]));

/** retries until every KPI card equals the snapshot API (a frame may be in flight) */
export async function expectKpisMatchApi(
  page: Page,
  baseUrl: string,
  region: string,
  timeoutMs = 15_000,
): Promise<Snapshot> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const snap = await snapshotApi(baseUrl, region);
    const shown = await pageKpis(page);
    const api = Object.fromEntries(WALL_KPIS.map((k) => [k, apiValue(snap.kpi, k)]));
    const wall = Object.fromEntries(WALL_KPIS.map((k) => [k, shown[k] ?? '(missing)']));
    if (JSON.stringify(api) === JSON.stringify(wall)) return snap;
    if (Date.now() > deadline) {
      expect(wall).toEqual(api);
      return snap;
    }
    await page.waitForTimeout(300);
  }
}
