import { Catch, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands a handler's error to the JetStream transport unchanged. Nest's default RPC filter
 * replaces any error that is not an RpcException with "Internal server error", which
 * would hide the `retryable` flag the transport decides on (ack, nak or dead-letter).
 * `createJetStreamMicroservice` installs it globally.
 */
@Catch()
export class JetStreamErrorFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
