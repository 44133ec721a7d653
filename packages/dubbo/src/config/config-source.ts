/**
 * Where governance rules come from (Dubbo's "config center"): ZooKeeper `/dubbo/config/dubbo/<key>`,
 * a control plane, or a file. The listener gets the raw rule text (YAML as Dubbo Admin writes it), or
 * undefined when the rule was deleted. Parsing and validation belong to the SDK's router code, so a
 * bad rule can be rejected with the previous one kept.
 */
export interface ConfigSource {
  readonly name: string;
  /** Keys look like `<application>.condition-router`, `<interface>:<version>:<group>.tag-router`, `<app>.configurators`. */
  watchRule(key: string, listener: (text: string | undefined) => void): () => void;
  close(): Promise<void>;
}
