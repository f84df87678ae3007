import { useCallback, useEffect, useRef, useState } from 'react';

/** The state of a load: the last data, the error message, and whether a load is running. */
export interface AsyncState<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` when `key` changes and on reload(), keeping the previous data on screen while the
 * next answer comes (a wall screen should not flash empty between refreshes).
 */
export function useAsync<T>(key: string, load: () => Promise<T>): AsyncState<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let live = true;
    setLoading(true);
    loadRef.current().then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(e instanceof Error ? e.message : String(e));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/** Throws the first GraphQL error as an Error whose message staff can read. */
export function check<T>(r: { data?: T; errors?: { message: string }[] }): T {
  if (r.errors?.length) throw new Error(r.errors.map((e) => e.message).join('；'));
  if (!r.data) throw new Error('服务器没有返回数据');
  return r.data;
}
