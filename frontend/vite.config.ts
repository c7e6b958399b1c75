import { defineConfig } from 'vite';

// `npm run dev` serves the page with hot reload and forwards the API to a nograd server:
// the real one (`java -jar target/nograd.jar`, port 8080) or `npm run mock` (dev/mock-server.mjs).
const api = process.env.NOGRAD_API ?? 'http://127.0.0.1:8080';
const proxied = ['/jobs', '/algorithms', '/datasets', '/actuator'];

export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 200,
  },
  server: {
    proxy: {
      ...Object.fromEntries(proxied.map((p) => [p, { target: api, changeOrigin: true }])),
      '/ws': { target: api.replace(/^http/, 'ws'), ws: true, changeOrigin: true },
    },
  },
});
