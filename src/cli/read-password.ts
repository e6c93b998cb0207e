import type { CliInput, CliOutput } from './cli-io';

const MAX_LENGTH = 1024;

/**
 * Read a password, once per prompt (ask twice to confirm). From a terminal: each prompt on
 * `prompts`, nothing echoed (raw mode, so the password never appears on screen or in scrollback).
 * Otherwise: the first line of standard input, whatever the number of prompts
 * (`printf %s "$PW" | tunnelforge auth hash-password`).
 */
export async function readPasswords(input: CliInput, prompts: CliOutput, questions: readonly string[]): Promise<string[]> {
  if (input.isTTY === true && typeof input.setRawMode === 'function') return readHidden(input, prompts, questions);
  const text = await readAll(input);
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new Error('no password on standard input');
  if (line.length > MAX_LENGTH) throw new Error(`password longer than ${MAX_LENGTH} characters`);
  return questions.map(() => line);
}

async function readAll(input: CliInput): Promise<string> {
  let text = '';
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (text.length > MAX_LENGTH * 4) break;
  }
  return text;
}

/** One raw-mode session for all prompts, so keys typed (or pasted) ahead are not lost between them. */
function readHidden(input: CliInput, prompts: CliOutput, questions: readonly string[]): Promise<string[]> {
  const answers: string[] = [];
  let value = '';
  prompts.write(questions[0]);
  input.setRawMode!(true);
  input.resume();
  return new Promise<string[]>((resolve, reject) => {
    const finish = (error: Error | null) => {
      input.removeListener('data', onData);
      input.setRawMode!(false);
      input.pause();
      if (error) reject(error);
      else resolve(answers);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') {
          prompts.write('\n');
          if (value === '') return finish(new Error('empty password'));
          answers.push(value);
          value = '';
          if (answers.length === questions.length) return finish(null);
          prompts.write(questions[answers.length]);
        } else if (char === '\u0003' || char === '\u0004') {
          prompts.write('\n');
          return finish(new Error('cancelled'));
        } else if (char === '\u007f' || char === '\b') {
          value = value.slice(0, -1);
        } else if (char >= ' ' && value.length < MAX_LENGTH) {
          value += char;
        }
      }
    };
    input.on('data', onData);
  });
}
