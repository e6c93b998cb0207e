/** Where a terminal's connection is: shown in the terminal's status badge. */
export type ConnectionState = 'connecting' | 'attached' | 'reconnecting' | 'ended';
