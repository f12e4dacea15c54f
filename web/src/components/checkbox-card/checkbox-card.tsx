import { cx } from "../../lib/format";
import styles from "./checkbox-card.module.css";

/**
 * A checkbox in a bordered box with a name and a line of help. The whole box toggles it, but the
 * checkbox is named by `label` alone and described by `help`.
 */
export function CheckboxCard(props: {
  id: string;
  name: string;
  value: string;
  label: string;
  help: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  /** Show the label as code (for machine names such as API key scopes). */
  code?: boolean;
}) {
  return (
    <label class={styles.card}>
      <input
        type="checkbox"
        name={props.name}
        value={props.value}
        aria-labelledby={props.id}
        aria-describedby={`${props.id}-help`}
        checked={props.checked}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
      />
      <span>
        <span id={props.id} class={cx(styles.label, props.code && styles.code)}>
          {props.label}
        </span>
        <span id={`${props.id}-help`} class={styles.help}>
          {props.help}
        </span>
      </span>
    </label>
  );
}
