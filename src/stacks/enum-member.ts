/**
 * A config value as the member of a construct's string enum with the same value. Compile-time checked,
 * unlike `value as E`: it compiles only while every value the config schema accepts is one of the enum's
 * values, so a value added to one list and not the other fails `tsc` instead of reaching a construct.
 */
export function enumMember<E extends string>(value: `${E}`): E {
  return value as E;
}
