/**
 * SASL credentials are read like every other option: environment values trimmed (a secret file's
 * trailing newline would otherwise fail every handshake, long after start-up), blank ones unset;
 * a blank or control-character credential from code is refused naming the option, the password
 * never repeated.
 */
import { describe, expect, it } from 'vitest';
import { SdkError, SdkErrorCodes } from '../../src/errors.js';
import {
  resolveKafkaOptions,
  type KafkaTransportOptions,
} from '../../src/transport/kafka-options.js';

const brokers = ['kafka-1:9092'];

function invalid(input: unknown, env: Record<string, string> = {}): SdkError {
  try {
    resolveKafkaOptions(input as KafkaTransportOptions, env);
  } catch (error) {
    expect(error).toBeInstanceOf(SdkError);
    expect((error as SdkError).code).toBe(SdkErrorCodes.INVALID_OPTION);
    return error as SdkError;
  }
  throw new Error(`accepted ${JSON.stringify(input)} with env ${JSON.stringify(env)}`);
}

describe('SASL from the environment', () => {
  it('trims the mechanism, username and password', () => {
    const { sasl } = resolveKafkaOptions(
      { brokers },
      {
        DRIFTWATCH_KAFKA_SASL_MECHANISM: ' plain ',
        DRIFTWATCH_KAFKA_SASL_USERNAME: 'svc-user\n',
        DRIFTWATCH_KAFKA_SASL_PASSWORD: 'hunter2\r\n',
      },
    );
    expect(sasl).toEqual({ mechanism: 'plain', username: 'svc-user', password: 'hunter2' });
  });

  it.each([
    ['DRIFTWATCH_KAFKA_SASL_USERNAME', 'transport.sasl.username'],
    ['DRIFTWATCH_KAFKA_SASL_PASSWORD', 'transport.sasl.password'],
  ])('a blank %s is unset: refused, naming it', (name, option) => {
    const env = {
      DRIFTWATCH_KAFKA_SASL_MECHANISM: 'plain',
      DRIFTWATCH_KAFKA_SASL_USERNAME: 'svc',
      DRIFTWATCH_KAFKA_SASL_PASSWORD: 'hunter2',
      [name]: '   ',
    };
    const error = invalid({ brokers }, env);
    expect(error.details).toMatchObject({ option, source: name });
    expect(error.message).toContain(`invalid option ${option} (env ${name})`);
    expect(error.message).not.toContain('hunter2');
  });

  it('a control character inside a value is refused; the password is never repeated', () => {
    const env = {
      DRIFTWATCH_KAFKA_SASL_MECHANISM: 'plain',
      DRIFTWATCH_KAFKA_SASL_USERNAME: 'svc',
      DRIFTWATCH_KAFKA_SASL_PASSWORD: 'hunter2\nhunter3',
    };
    const error = invalid({ brokers }, env);
    expect(error.details).toMatchObject({ option: 'transport.sasl.password', value: '***' });
    expect(error.message).toContain('got "***"');
    expect(error.message).not.toContain('hunter');
  });
});

describe('SASL from code', () => {
  it.each([
    ['a blank username', { username: '   ', password: 'hunter2' }, 'transport.sasl.username'],
    [
      'a username with a newline',
      { username: 'svc\n', password: 'hunter2' },
      'transport.sasl.username',
    ],
    ['a blank password', { username: 'svc', password: ' \t ' }, 'transport.sasl.password'],
    [
      'a password with a newline',
      { username: 'svc', password: 'hunter2\n' },
      'transport.sasl.password',
    ],
  ])('%s is refused, naming the option', (_case, credentials, option) => {
    const error = invalid({ brokers, sasl: { mechanism: 'plain', ...credentials } });
    expect(error.details.option).toBe(option);
    expect(error.message).toContain(`invalid option ${option}: got `);
    expect(error.message).not.toContain('hunter2');
    if (option.endsWith('password')) expect(error.details.value).toBe('***');
  });
});
