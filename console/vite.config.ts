import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Builds the console into dist/, which the API server serves at /. In development (`npm run dev`)
 * /graphql (HTTP and WebSocket) is proxied to the API on localhost:4000.
 */
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', chunkSizeWarningLimit: 1500 },
  server: {
    proxy: { '/graphql': { target: 'http://localhost:4000', ws: true } },
  },
});
