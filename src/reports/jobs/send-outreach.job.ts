import type { OutreachService } from '../outreach/outreach.service';
import type { ReportJobs } from './report.jobs';

/**
 * Sends a campaign's pending messages in slices until none is left. Idempotent: only PENDING
 * messages are claimed, so a retried job never sends a message twice.
 */
export async function handleSendOutreach(outreach: OutreachService, data: ReportJobs['send-outreach']) {
  let sent = 0;
  for (;;) {
    const results = await outreach.dispatch(data.campaignId, 500);
    if (results.length === 0) return { processed: sent };
    sent += results.length;
  }
}
