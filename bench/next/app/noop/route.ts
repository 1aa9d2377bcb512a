// The ceiling: reads the raw body and answers, verifying nothing.
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  await request.arrayBuffer();
  return Response.json({ received: true });
}
