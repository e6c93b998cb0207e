/** Something that can be undone: an event subscription, a timer, a held power assertion. */
export interface Disposable {
  /** Undo. Calling it more than once has no further effect. */
  dispose(): void;
}
