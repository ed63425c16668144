// The parts of @tryghost/admin-api 1.14 this app uses; the package ships no types.
declare module '@tryghost/admin-api' {
  export type GhostRequest = { url: string; method: string; data?: unknown; params?: Record<string, unknown>; headers: Record<string, string> };
  type Resource = {
    browse(options?: Record<string, unknown>): Promise<unknown>;
    add(data: Record<string, unknown>, queryParams?: Record<string, unknown>): Promise<unknown>;
  };
  export type GhostAdminApi = { posts: Resource };
  export default function GhostAdminAPI(options: {
    url: string;
    key: string;
    version: string;
    userAgent?: string | boolean;
    makeRequest?: (request: GhostRequest) => Promise<unknown>;
  }): GhostAdminApi;
}
