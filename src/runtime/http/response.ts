import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ApiError } from '../errors';

const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return { statusCode: status, headers: { ...BASE_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function noContent(headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode: 204, headers: { 'cache-control': 'no-store', ...headers }, body: '' };
}

export function text(status: number, body: string, contentType: string): APIGatewayProxyResult {
  return { statusCode: status, headers: { ...BASE_HEADERS, 'content-type': contentType }, body };
}

export function errorResponse(err: ApiError): APIGatewayProxyResult {
  return json(err.status, err.toBody());
}
