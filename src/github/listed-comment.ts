/**
 * A comment as GitHub lists it (`GET /repos/{owner}/{repo}/issues/comments`), reduced to what the Actions home's
 * catch-up of missed commands reads (actions-home/missed-commands.ts).
 * Not here: the listing call (github/repo-client.ts `recentComments`), which comments are missed.
 * Invariants: pure; the issue number comes from the comment's `issue_url` (GitHub's listing carries no number).
 */
/** A comment as the coordinator's catch-up reads it (actions-home/missed-commands.ts). */
export interface ListedComment {
  id: number;
  issueNumber: number;
  body: string;
  login: string;
  isBot: boolean;
  createdAt: string;
  /** `+1` reactions on it (weave reacts `+1` to every command it takes). */
  plusOnes: number;
}

export interface CommentData {
  id: number;
  issue_url: string;
  body?: string | null;
  user: { login: string; type?: string } | null;
  created_at: string;
  reactions?: { "+1"?: number };
}

export function listedComment(c: CommentData): ListedComment {
  return {
    id: c.id, issueNumber: Number(c.issue_url.slice(c.issue_url.lastIndexOf("/") + 1)), body: c.body ?? "", login: c.user?.login ?? "",
    isBot: c.user?.type === "Bot", createdAt: c.created_at, plusOnes: c.reactions?.["+1"] ?? 0,
  };
}
