// The replay form's body, read only once the request has passed the access, read-only and Origin
// checks, and never more of it than `maxFormBytes`: a longer body is refused as it streams, so a
// client cannot make the console hold more than that, whatever it announces or sends.

/** A form body, or why it was not read. */
export type FormRead = { form: URLSearchParams } | { refused: 'not_a_form' | 'too_large' };

export async function readForm(request: Request, maxFormBytes: number): Promise<FormRead> {
  if (!(request.headers.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) return { refused: 'not_a_form' };
  if (Number(request.headers.get('content-length') ?? 0) > maxFormBytes) return { refused: 'too_large' };
  if (request.body === null) return { form: new URLSearchParams() };
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxFormBytes) {
      // Stops the stream: the adapter closes the connection instead of draining the rest.
      await reader.cancel();
      return { refused: 'too_large' };
    }
    text += decoder.decode(value, { stream: true });
  }
  return { form: new URLSearchParams(text + decoder.decode()) };
}
