import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { ConsoleProvider } from '@/components/ConsoleProvider';
import { Shell } from '@/components/Shell';
import { missingConfig, readConfig } from '@/lib/config';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Fastish console', template: '%s · Fastish console' },
  description: 'Manage your organization’s items, users and usage.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Configuration is read per request, so one build serves every environment (and `fastish dev`).
  await connection();
  const config = readConfig();
  const missing = missingConfig(config);
  return (
    <html lang="en">
      <body>
        {missing.length > 0 ? (
          <main id="main" className="container">
            <h1>Console not configured</h1>
            <p role="alert">
              Missing environment values: <code>{missing.join(', ')}</code>. See docs/console.md.
            </p>
          </main>
        ) : (
          <ConsoleProvider config={config}>
            <Shell>{children}</Shell>
          </ConsoleProvider>
        )}
      </body>
    </html>
  );
}
