// Entry: read the kiosk parameters, set language and skin, mount the wall.
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { parseParams } from './params.ts';
import { resetStore } from './state/store.ts';
import { prefetchRegion } from './map/geo.ts';
import './styles.css';

const params = parseParams(window.location.search);
document.documentElement.lang = params.lang === 'en' ? 'en' : 'zh-CN';
document.documentElement.dataset.skin = params.skin;
resetStore(params.region);
// the boundaries load while the bundle runs and the socket connects, not after the snapshot
prefetchRegion(params.region);
createRoot(document.getElementById('root')!).render(<App params={params} />);
