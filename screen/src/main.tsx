// Entry: read the kiosk parameters, set language and skin, then load the page this path names
// as its own chunk, so that a page without a map never downloads maplibre, deck.gl or echarts.
import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from 'react';
import { createRoot } from 'react-dom/client';
import {
  CONSOLE_TOKEN_STORAGE_KEY,
  CONTROL_TOKEN_STORAGE_KEY,
  TOKEN_STORAGE_KEY,
  takeTokenFromUrl,
  type WallParams,
} from './params.ts';
import { resetStore } from './state/store.ts';
import { prefetchRegion } from './map/geo.ts';
import { pageFor, type PageName } from './pages/routes.ts';
import './styles.css';

type Page = LazyExoticComponent<ComponentType<{ params: WallParams }>>;

const PAGES: Record<PageName, Page> = {
  wall: lazy(() => import('./pages/wall/WallPage.tsx').then((m) => ({ default: m.WallPage }))),
  console: lazy(() => import('./pages/console/ConsolePage.tsx').then((m) => ({ default: m.ConsolePage }))),
  control: lazy(() => import('./pages/control/ControlPage.tsx').then((m) => ({ default: m.ControlPage }))),
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
resetStore(params.region);
// the boundaries load while the wall's chunk downloads and the socket connects, not after them
if (page === 'wall') prefetchRegion(params.region);
const Page = PAGES[page];
createRoot(document.getElementById('root')!).render(
  <Suspense fallback={null}>
    <Page params={params} />
  </Suspense>,
);
