// Builds the dashboard into dist/ (index.html + hashed assets/), which the web service
// serves at /. `pnpm build:ui` at the repository root runs this.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
});
