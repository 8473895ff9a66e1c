/** The small type checks RongCloud's engine exports (`RCEngine.isString(…)` …) and plugins call. */

export const isString = (value: unknown): value is string => typeof value === 'string';
export const isNumber = (value: unknown): value is number => typeof value === 'number' && !Number.isNaN(value);
export const isArray = (value: unknown): value is unknown[] => Array.isArray(value);
export const isFunction = (value: unknown): value is (...args: never[]) => unknown => typeof value === 'function';
export const isUndefined = (value: unknown): value is undefined => value === undefined;
export const isNull = (value: unknown): value is null => value === null;
export const isObject = (value: unknown): value is Record<string, unknown> => Object.prototype.toString.call(value) === '[object Object]';
export const notEmptyString = (value: unknown): value is string => isString(value) && value.length > 0;
export const notEmptyArray = (value: unknown): value is unknown[] => isArray(value) && value.length > 0;
export const notEmptyObject = (value: unknown): value is Record<string, unknown> => isObject(value) && Object.keys(value).length > 0;
export const isHttpUrl = (value: unknown): value is string => isString(value) && /^https?:\/\//i.test(value);
