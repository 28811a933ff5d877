// Builds the wall into dist/screen/. Served by the server at `/`; everything is bundled
// (no CDN, no web fonts) so that a wall in a room without internet makes zero outside requests.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const DEV_SERVER_PORT = Number(process.env.SCREEN_API_PORT ?? 8080);
/** chunk name → the packages in it (their own dependencies follow them into the chunk) */
const MAP_STACK_CHUNKS: [name: string, test: RegExp][] = [
  ['maplibre', /node_modules[\\/]maplibre-gl[\\/]/],
  ['deckgl', /node_modules[\\/](@deck\.gl|@luma\.gl)[\\/]/],
  ['echarts', /node_modules[\\/](echarts|zrender)[\\/]/],
];

export default defineConfig({
  root: ROOT,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/screen/', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 3000,
    sourcemap: false,
    // dist/screen/.vite/manifest.json: tests/e2e/chunks.test.ts reads which chunk holds what
    manifest: true,
    rolldownOptions: {
      output: {
        // the map stack in named chunks of its own: only the wall page imports them, and the
        // manifest can tell a page that does from one that does not
        codeSplitting: {
          groups: [
            // deck.gl loads some of its code by import(), which needs Vite's preload helper: a
            // group takes its members' dependencies along, and the entry would then import deck
            // for the helper alone. Its own group, taken first, keeps it out.
            { name: 'preload-helper', test: /preload-helper/, priority: 1 },
            ...MAP_STACK_CHUNKS.map(([name, test]) => ({ name, test })),
          ],
        },
      },
    },
  },
  server: {
    // `npm run dev:screen` proxies the API, geo data and Socket.IO to a running server or mock
    proxy: {
      '/api': `http://127.0.0.1:${DEV_SERVER_PORT}`,
      '/geo': `http://127.0.0.1:${DEV_SERVER_PORT}`,
      '/socket.io': { target: `http://127.0.0.1:${DEV_SERVER_PORT}`, ws: true },
    },
  },
});
