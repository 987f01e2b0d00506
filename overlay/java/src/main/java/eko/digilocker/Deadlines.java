package eko.digilocker;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Ends the body reading of attempts whose call's deadline has passed. HttpClient's request
 * timeout stops at the answer's headers; this covers the body. One daemon thread checks the
 * attempts in flight every {@link #TICK_MS} ms, and parks once none has been in flight for a
 * second: registering an attempt costs no thread wake-up (a timer task per attempt cost a
 * third of a call on loopback). A deadline is thus kept to within one tick.
 */
final class Deadlines {
  static final long TICK_MS = 20;
  private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Something with a deadline ({@link System#nanoTime()}) to end once it has passed. */
  interface Watched {
    long until();

    void expire();
  }

  private static final Set<Watched> ACTIVE = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean PARKED = new AtomicBoolean();
  private static final Thread SWEEPER = start();

  private Deadlines() {}

  static void watch(Watched watched) {
    ACTIVE.add(watched);
    if (PARKED.compareAndSet(true, false)) {
      LockSupport.unpark(SWEEPER);
    }
  }

  static void forget(Watched watched) {
    ACTIVE.remove(watched);
  }

  private static Thread start() {
    Thread thread = new Thread(Deadlines::sweep, "eko-digilocker-deadlines");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void sweep() {
    long busy = System.nanoTime();
    while (true) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(TICK_MS));
      long now = System.nanoTime();
      for (Watched watched : ACTIVE) {
        if (now - watched.until() >= 0) {
          ACTIVE.remove(watched);
          watched.expire();
        }
      }
      if (!ACTIVE.isEmpty()) {
        busy = now;
      } else if (now - busy > IDLE_NANOS) {
        PARKED.set(true);
        if (ACTIVE.isEmpty()) {
          LockSupport.park(); // until watch() unparks
        }
        PARKED.set(false);
        busy = System.nanoTime();
      }
    }
  }
}
