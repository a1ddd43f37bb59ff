// Desktop notifications and a short beep (WebAudio, no sound file) for new conversations
// and visitor messages.

let audio: AudioContext | null = null;
let lastBeepAt = 0;

/**
 * Browsers only let a page play sound after the user interacted with it; creating the
 * AudioContext on the first click or key press unlocks it for later beeps.
 */
export function unlockAudioOnFirstGesture(): void {
  const unlock = () => {
    try {
      audio ??= new AudioContext();
      void audio.resume();
    } catch {
      /* no WebAudio: no sound */
    }
    window.removeEventListener('pointerdown', unlock);
    window.removeEventListener('keydown', unlock);
  };
  window.addEventListener('pointerdown', unlock);
  window.addEventListener('keydown', unlock);
}

/** Two soft rising tones; at most one beep a second so a burst of messages is not a din. */
export function beep(): void {
  const now = Date.now();
  if (!audio || audio.state !== 'running' || now - lastBeepAt < 1000) return;
  lastBeepAt = now;
  const start = audio.currentTime;
  [660, 880].forEach((frequency, i) => {
    const osc = audio!.createOscillator();
    const gain = audio!.createGain();
    osc.type = 'sine';
    osc.frequency.value = frequency;
    const at = start + i * 0.12;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.15, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.18);
    osc.connect(gain).connect(audio!.destination);
    osc.start(at);
    osc.stop(at + 0.2);
  });
}

export type NotificationSupport = 'unsupported' | NotificationPermission;

export function notificationSupport(): NotificationSupport {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Must run inside a user gesture (a click) or browsers ignore it. */
export async function requestNotificationPermission(): Promise<NotificationSupport> {
  if (typeof Notification === 'undefined') return 'unsupported';
  try {
    return await Notification.requestPermission();
  } catch {
    return Notification.permission;
  }
}

/** Shows a notification when allowed; the tag makes a newer one replace an older one. */
export function showNotification(title: string, body: string, tag: string, onClick: () => void): void {
  if (notificationSupport() !== 'granted') return;
  try {
    const notification = new Notification(title, { body, tag });
    notification.onclick = () => {
      window.focus();
      onClick();
      notification.close();
    };
  } catch {
    /* some browsers only allow notifications from a service worker */
  }
}
