import { useEffect, useState } from 'react';
import { useLanguage } from '../../../i18n/format.ts';

/** Wall screens are read from across a room: the local time says at a glance that the screen is alive. */
export function LiveClock() {
  const lang = useLanguage();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <time className="live-clock" dateTime={now.toISOString()}>
      <span className="clock-date">
        {now.toLocaleDateString(lang, { year: 'numeric', month: 'short', day: 'numeric', weekday: 'short' })}
      </span>
      <span className="clock-time">{now.toLocaleTimeString(lang, { hour12: false })}</span>
    </time>
  );
}
