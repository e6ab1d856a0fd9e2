/**
 * Care mode (关怀模式 / 长辈版): larger text, roomier lines, bigger targets, one column, no motion
 * (MIIT's ageing-friendly rules). Chosen from the header on every screen and kept on this device.
 */
const KEY = 'care';

export const careMode = (): boolean => localStorage.getItem(KEY) === 'on';

/** Applies the stored choice to the page (before the first render, so nothing jumps). */
export function applyCareMode(on = careMode()): void {
  document.documentElement.dataset.care = on ? 'on' : 'off';
}

export function setCareMode(on: boolean): void {
  localStorage.setItem(KEY, on ? 'on' : 'off');
  applyCareMode(on);
}
