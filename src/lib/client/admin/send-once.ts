// A write that must happen once however often its button is pressed: one idempotency key, made on
// this device, for as long as the request is the same; presses while one is under way are ignored.

export class SendOnce<I, R> {
	#key: string | null = null;
	#request: string | null = null;
	#inFlight: Promise<R> | null = null;

	constructor(
		private readonly send: (input: I, key: string) => Promise<R>,
		private readonly makeKey: () => string = () => crypto.randomUUID()
	) {}

	get busy() {
		return this.#inFlight !== null;
	}

	/**
	 * Sends `input` with the key of this request (a new key when the input changed since the last
	 * attempt, the same one when a failed attempt is retried). A press while sending gets the same answer.
	 */
	submit(input: I): Promise<R> {
		if (this.#inFlight) return this.#inFlight;
		const request = JSON.stringify(input);
		if (request !== this.#request) {
			this.#request = request;
			this.#key = this.makeKey();
		}
		const attempt = this.send(input, this.#key!);
		this.#inFlight = attempt;
		return attempt.then(
			(r) => {
				// Done: the next change is a new request with a new key.
				this.#inFlight = null;
				this.#request = null;
				return r;
			},
			(e: unknown) => {
				this.#inFlight = null;
				throw e;
			}
		);
	}
}
