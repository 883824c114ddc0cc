import type { AppProps } from 'aws-cdk-lib';
import { buildPlatform, createApp, type Platform } from '../app/platform';
import { loadConfig, type PlatformModel } from '../config';

/** Loads and validates the config (throws `ConfigError` with every issue). */
export function loadModel(configPath: string): PlatformModel {
  return loadConfig(configPath);
}

/** Builds every registered architecture of the model into a fresh app. */
export function buildFromModel(model: PlatformModel, props: AppProps = {}): Platform {
  return buildPlatform(model, createApp(props));
}
