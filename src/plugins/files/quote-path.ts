/** A path as error messages name it: JSON-quoted (control characters escaped), cut at 200 characters. */
export const quotePath = (text: string): string => JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
