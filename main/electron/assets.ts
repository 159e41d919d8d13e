import path from 'node:path';
import type { TrayIconState } from './tray-menu';

/**
 * Which icon file each OS gets (assets/README.md lists them): macOS template images (black with
 * alpha, the system tints them; `@2x` is picked up by name), a multi-size .ico on Windows, a
 * 32 px PNG on Linux (panels scale it down; 16 px looks blurry on HiDPI panels).
 */
export function trayIconFile(
  assetsFolder: string,
  state: TrayIconState,
  platform: NodeJS.Platform,
): string {
  const base = state === 'normal' ? 'tray' : `tray-${state}`;
  if (platform === 'darwin') return path.join(assetsFolder, 'tray', `${base}Template.png`);
  if (platform === 'win32') return path.join(assetsFolder, 'tray', `${base}.ico`);
  return path.join(assetsFolder, 'tray', `${base}-32.png`);
}

/** The window and app icon (Linux and Windows use it for the window; macOS uses the .icns). */
export function appIconFile(assetsFolder: string): string {
  return path.join(assetsFolder, 'icon', 'icon-512.png');
}
