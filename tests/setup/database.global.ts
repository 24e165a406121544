/**
 * Once per run: a PostgreSQL server, and a template database with every migration applied.
 * Each test file clones the template into a database of its own (tests/setup/test-db.ts);
 * every database this run made is dropped at the end.
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { applyMigrations } from "../../db/migrate";
import { startTestPgServer } from "./pg-server";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
    pgRunPrefix: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startTestPgServer();
  const prefix = `kizuna_t_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const template = `${prefix}_template`;
  const adminUrl = server.url("postgres");
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${template}"`);
  await applyMigrations(server.url(template));
  project.provide("pgAdminUrl", adminUrl);
  project.provide("pgTemplate", template);
  project.provide("pgRunPrefix", prefix);

  return async () => {
    const rows = await admin<{ datname: string }[]>`select datname from pg_database where datname like ${`${prefix}%`}`;
    for (const { datname } of rows) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
    await admin.end({ timeout: 5 });
    await server.stop();
  };
}
