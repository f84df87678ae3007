import { timeLeft } from './labels';

describe('the time left of an ingest run', () => {
  it('follows the rate seen since the page began to watch', () => {
    expect(timeLeft(1000, 200, 0, 10_000)).toBe('约剩 40 秒'); // 200 rows in 10 s, 800 to go
    expect(timeLeft(1000, 700, 600, 5_000)).toBe('约剩 15 秒'); // watched from row 600
    expect(timeLeft(1000, 100, 0, 20_000)).toBe('约剩 3 分 0 秒');
  });

  it('says nothing before a row has moved or when none is left', () => {
    expect(timeLeft(1000, 300, 300, 5_000)).toBeNull();
    expect(timeLeft(1000, 1000, 0, 5_000)).toBeNull();
    expect(timeLeft(1000, 10, 0, 0)).toBeNull();
  });
});
