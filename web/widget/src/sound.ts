// A short two-note chime for a new agent message, made with the Web Audio API (no audio
// file to fetch). On by default, as in most chat widgets; the visitor's choice is
// remembered. Browsers let a page make sound only after the visitor interacted with it,
// so the AudioContext is made on the first gesture and a chime before it stays silent.
import type { SiteStorage } from './storage';

const KEY = 'sound';

export class Chime {
  private context: AudioContext | null = null;

  constructor(private readonly storage: SiteStorage) {
    const unlock = () => {
      this.audio()?.resume().catch(() => {});
    };
    for (const type of ['pointerdown', 'keydown'] as const) {
      window.addEventListener(type, unlock, { capture: true, once: true, passive: true });
    }
  }

  get enabled(): boolean {
    return this.storage.get(KEY) !== 'off';
  }

  set enabled(on: boolean) {
    this.storage.set(KEY, on ? null : 'off');
  }

  play(): void {
    if (!this.enabled) return;
    const audio = this.audio();
    if (!audio || audio.state !== 'running') return;
    const start = audio.currentTime;
    this.note(audio, 880, start, 0.12);
    this.note(audio, 1320, start + 0.12, 0.18);
  }

  private note(audio: AudioContext, frequency: number, at: number, length: number): void {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + length);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(at);
    oscillator.stop(at + length + 0.02);
  }

  private audio(): AudioContext | null {
    if (this.context) return this.context;
    const Context = window.AudioContext;
    if (!Context) return null;
    try {
      this.context = new Context();
    } catch {
      return null;
    }
    return this.context;
  }
}
