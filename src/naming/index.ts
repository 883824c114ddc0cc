export { assertName, fitName, NameError, shortHash } from './fit';
export { NAME_RULES, type NameKind, type NameRule } from './limits';
export { defaultQualifier, Naming, type NamingContext } from './names';
