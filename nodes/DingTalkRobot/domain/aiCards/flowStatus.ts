/** The AI card's status variable values: thinking, typing, done, failed (cards facts §2). */
export const FLOW_STATUS = { processing: '1', inputing: '2', finished: '3', failed: '5' } as const;
