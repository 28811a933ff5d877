// Entry: read the kiosk parameters, set language and skin, then load the page this path names
// as its own chunk, so that a page without a map never downloads maplibre, deck.gl or echarts;
// without ?region=, the region is the server's area (/api/v1/config).
import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from 'react';
import { createRoot } from 'react-dom/client';
import {
  CONSOLE_TOKEN_STORAGE_KEY,
  CONTROL_TOKEN_STORAGE_KEY,
  TOKEN_STORAGE_KEY,
  regionFromUrl,
  takeTokenFromUrl,
  type WallParams,
} from './params.ts';
import { resetStore } from './state/store.ts';
import { serverArea, serverConfig } from './config.ts';
import { prefetchRegion } from './map/geo.ts';
import { pageFor, type PageName } from './pages/routes.ts';
import './styles.css';

type Page = LazyExoticComponent<ComponentType<{ params: WallParams }>>;
type PageModule = Promise<{ default: ComponentType<{ params: WallParams }> }>;

const LOADERS: Record<PageName, () => PageModule> = {
  wall: () => import('./pages/wall/WallPage.tsx').then((m) => ({ default: m.WallPage })),
  console: () => import('./pages/console/ConsolePage.tsx').then((m) => ({ default: m.ConsolePage })),
  control: () => import('./pages/control/ControlPage.tsx').then((m) => ({ default: m.ControlPage })),
};

// ?token= is read once and replaced out of the address bar (kept in memory and sessionStorage,
// under the page's own key: a wall token and an operator token never stand in for each other)
const page = pageFor(window.location.pathname);
const TOKEN_KEYS: Record<PageName, string> = {
  wall: TOKEN_STORAGE_KEY,
  console: CONSOLE_TOKEN_STORAGE_KEY,
  control: CONTROL_TOKEN_STORAGE_KEY,
};
const params = takeTokenFromUrl(window, TOKEN_KEYS[page]);
document.documentElement.lang = params.lang === 'en' ? 'en' : 'zh-CN';
document.documentElement.dataset.skin = params.skin;
document.documentElement.dataset.page = page;
// the page's chunk and the server's config download together
const chunk = LOADERS[page]();
const Page: Page = lazy(() => chunk);
if (page !== 'console') void serverConfig();
const root = createRoot(document.getElementById('root')!);

function start(region: string): void {
  const resolved: WallParams = { ...params, region };
  resetStore(region);
  // the boundaries load while the wall's chunk downloads and the socket connects, not after them
  if (page === 'wall') prefetchRegion(region);
  root.render(
    <Suspense fallback={null}>
      <Page params={resolved} />
    </Suspense>,
  );
}

// a wall (and the control page) without ?region= shows the deployment's area, which only the
// server knows: it waits for the config rather than connect to another deployment's region
const asked = regionFromUrl(window.location.search);
if (asked !== null || page === 'console') start(asked ?? params.region);
else void serverArea().then(start);
