/** The protocol version this package speaks; the server announces its own in ATTACHED. */
export const PROTOCOL_VERSION = 1;

/** The application subprotocol. A client offering a credential subprotocol must offer this one too, first. */
export const SUBPROTOCOL = 'tunnelforge.v1';
