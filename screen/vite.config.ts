// Builds the wall into dist/screen/. Served by the server at `/`; everything is bundled
// (no CDN, no web fonts) so that a wall in a room without internet makes zero outside requests.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const DEV_SERVER_PORT = Number(process.env.SCREEN_API_PORT ?? 8080);

export default defineConfig({
  root: ROOT,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/screen/', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 3000,
    sourcemap: false,
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
