/** `iss` of every token this agent signs. */
export const ISSUER = 'tunnelforge';
/** `aud` of login access tokens. */
export const ACCESS_AUDIENCE = 'tunnelforge:access';
/** `aud` of share-link tokens: a different audience, so neither can pass for the other. */
export const SHARE_AUDIENCE = 'tunnelforge:share';
/** A compact JWS (`header.payload.signature`, header starting with `{"`): how JWTs are told apart from other bearer tokens. */
export const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
