/** Debian's Chromium, headless, driven by playwright-core, with the flags a closed network needs. */
import type { Browser } from 'playwright-core';
import { requireTool } from './system-tools';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * playwright-core is loaded here, on first use, not by everything that imports this lib. Fails with the
 * install command when Chromium is absent (tests skip before that with `skipWithout('chromium')`).
 */
export async function launchChromium(): Promise<Browser> {
  requireTool('chromium');
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
