// A29's CertificateProviderStore: one provider per instance name and configuration in the process,
// reference counted, so a client and a server of the same process (or two adapters with the same
// bootstrap) read the files once and rotate together. The last release stops its refresh timer.
import type { CertificateProviderConfig } from "../bootstrap/types.js";
import { defaultLogger, type XdsLogger } from "../client/logger.js";
import type { CertificateProvider } from "./certificate-provider.js";
import { FileWatcherProvider } from "./file-watcher-provider.js";

export interface CertificateProviderLease {
  readonly provider: CertificateProvider;
  /** Gives the provider back; it stops when nobody holds it. Idempotent. */
  release(): void;
}

interface Entry {
  readonly provider: FileWatcherProvider;
  refs: number;
}

/** Makes the provider a bootstrap entry describes; the plugin name is checked here as well. */
function create(name: string, config: CertificateProviderConfig, logger: XdsLogger): FileWatcherProvider {
  // The bootstrap parser admits only file_watcher; a hand-built Bootstrap object may not have been parsed.
  const plugin = (config as { pluginName: string }).pluginName;
  if (plugin !== "file_watcher") {
    throw new Error(
      `certificate provider ${JSON.stringify(name)}: plugin ${JSON.stringify(plugin)} is not supported (only file_watcher)`,
    );
  }
  return new FileWatcherProvider(name, config, logger);
}

export class CertificateProviderStore {
  private readonly entries = new Map<string, Entry>();

  /** The provider for this bootstrap entry, made on first use. */
  acquire(
    name: string,
    config: CertificateProviderConfig,
    logger: XdsLogger = defaultLogger,
  ): CertificateProviderLease {
    const key = `${name}\n${JSON.stringify(config)}`;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { provider: create(name, config, logger), refs: 0 };
      this.entries.set(key, entry);
    }
    entry.refs++;
    const held = entry;
    let released = false;
    return {
      provider: held.provider,
      release: () => {
        if (released) return;
        released = true;
        if (--held.refs > 0) return;
        held.provider.close();
        if (this.entries.get(key) === held) this.entries.delete(key);
      },
    };
  }

  /** Re-reads every provider in use now (e.g. after a rotation the caller knows about). */
  async refreshAll(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.provider.refresh()));
  }

  /** Providers in use (for diagnostics and tests). */
  get size(): number {
    return this.entries.size;
  }
}

/** The process-wide store. */
export const certificateProviderStore = new CertificateProviderStore();
