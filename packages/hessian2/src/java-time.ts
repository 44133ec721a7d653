// java.time values as Dubbo's hessian-lite sends them.
//
// hessian-lite registers a serializer per java.time class (META-INF/dubbo/hessian/serializers) that writes a
// "handle" bean instead of the value, e.g. a LocalDate becomes an object of class
// com.alibaba.com.caucho.hessian.io.java8.LocalDateHandle with int fields year, month, day; the receiving
// side's readResolve() turns the handle back into the java.time value. Nested values are handles too
// (LocalDateTimeHandle.date is a LocalDateHandle). Field names and Java types below are those of the handle
// classes in apache/dubbo-hessian-lite (hessian-lite/src/main/java/.../io/java8/*Handle.java).
//
// Decoding needs nothing special: a handle decodes as a plain object tagged with the handle class.

import { JavaLong, JavaObject } from "./java-types.js";

const HANDLE_PACKAGE = "com.alibaba.com.caucho.hessian.io.java8.";

/** Class names of the hessian-lite java.time handles, by java.time type. */
export const JAVA_TIME_HANDLES = {
  LocalDate: `${HANDLE_PACKAGE}LocalDateHandle`,
  LocalTime: `${HANDLE_PACKAGE}LocalTimeHandle`,
  LocalDateTime: `${HANDLE_PACKAGE}LocalDateTimeHandle`,
  Instant: `${HANDLE_PACKAGE}InstantHandle`,
  Duration: `${HANDLE_PACKAGE}DurationHandle`,
  Period: `${HANDLE_PACKAGE}PeriodHandle`,
  Year: `${HANDLE_PACKAGE}YearHandle`,
  YearMonth: `${HANDLE_PACKAGE}YearMonthHandle`,
  MonthDay: `${HANDLE_PACKAGE}MonthDayHandle`,
  ZoneOffset: `${HANDLE_PACKAGE}ZoneOffsetHandle`,
  ZoneId: `${HANDLE_PACKAGE}ZoneIdHandle`,
  OffsetTime: `${HANDLE_PACKAGE}OffsetTimeHandle`,
  OffsetDateTime: `${HANDLE_PACKAGE}OffsetDateTimeHandle`,
  ZonedDateTime: `${HANDLE_PACKAGE}ZonedDateTimeHandle`,
} as const;

// Java's readResolve() swallows invalid values and yields null; checking here turns a silent null on the
// Java side into an error at the call site.
function intIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

const INT_MIN = -0x80000000;
const INT_MAX = 0x7fffffff;

export function localDate(year: number, month: number, day: number): JavaObject {
  return new JavaObject(JAVA_TIME_HANDLES.LocalDate, {
    year: intIn("year", year, -999_999_999, 999_999_999),
    month: intIn("month", month, 1, 12),
    day: intIn("day", day, 1, 31),
  });
}

export function localTime(hour: number, minute = 0, second = 0, nano = 0): JavaObject {
  return new JavaObject(JAVA_TIME_HANDLES.LocalTime, {
    hour: intIn("hour", hour, 0, 23),
    minute: intIn("minute", minute, 0, 59),
    second: intIn("second", second, 0, 59),
    nano: intIn("nano", nano, 0, 999_999_999),
  });
}

export function localDateTime(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  nano = 0,
): JavaObject {
  return new JavaObject(JAVA_TIME_HANDLES.LocalDateTime, {
    date: localDate(year, month, day),
    time: localTime(hour, minute, second, nano),
  });
}

function epochSeconds(value: number | bigint): JavaLong {
  if (typeof value === "number" && !Number.isSafeInteger(value)) {
    throw new RangeError(`seconds must be a safe integer or a bigint, got ${value}`);
  }
  return new JavaLong(value);
}

/** An Instant from epoch seconds plus nanos, or from a Date (millisecond precision). */
export function instant(seconds: number | bigint | Date, nanos = 0): JavaObject {
  if (seconds instanceof Date) {
    const ms = seconds.getTime();
    if (Number.isNaN(ms)) throw new RangeError("invalid Date");
    const s = Math.floor(ms / 1000);
    return instant(s, (ms - s * 1000) * 1_000_000 + nanos);
  }
  return new JavaObject(JAVA_TIME_HANDLES.Instant, {
    seconds: epochSeconds(seconds),
    nanos: intIn("nanos", nanos, 0, 999_999_999),
  });
}

export function duration(seconds: number | bigint, nanos = 0): JavaObject {
  return new JavaObject(JAVA_TIME_HANDLES.Duration, {
    seconds: epochSeconds(seconds),
    nanos: intIn("nanos", nanos, 0, 999_999_999),
  });
}

export function period(years: number, months = 0, days = 0): JavaObject {
  return new JavaObject(JAVA_TIME_HANDLES.Period, {
    years: intIn("years", years, INT_MIN, INT_MAX),
    months: intIn("months", months, INT_MIN, INT_MAX),
    days: intIn("days", days, INT_MIN, INT_MAX),
  });
}

export function year(value: number): JavaObject {
  return new JavaObject(JAVA_TIME_HANDLES.Year, { year: intIn("year", value, -999_999_999, 999_999_999) });
}

export function yearMonth(yearValue: number, month: number): JavaObject {
  return new JavaObject(JAVA_TIME_HANDLES.YearMonth, {
    year: intIn("year", yearValue, -999_999_999, 999_999_999),
    month: intIn("month", month, 1, 12),
  });
}

export function monthDay(month: number, day: number): JavaObject {
  return new JavaObject(JAVA_TIME_HANDLES.MonthDay, {
    month: intIn("month", month, 1, 12),
    day: intIn("day", day, 1, 31),
  });
}

/** A ZoneOffset from its total seconds east of UTC (Java allows ±18 hours). */
export function zoneOffset(totalSeconds: number): JavaObject {
  return new JavaObject(JAVA_TIME_HANDLES.ZoneOffset, {
    seconds: intIn("offset seconds", totalSeconds, -64_800, 64_800),
  });
}

/** A region ZoneId such as "Asia/Shanghai" (hessian-lite sends ZoneOffsets through zoneOffset()). */
export function zoneId(id: string): JavaObject {
  return new JavaObject(JAVA_TIME_HANDLES.ZoneId, { zoneId: id });
}

function expectHandle(name: string, value: JavaObject, className: string): JavaObject {
  if (value.className !== className) {
    throw new TypeError(`${name} must be built by java.${name}(), got ${value.className}`);
  }
  return value;
}

export function offsetTime(time: JavaObject, offsetSeconds: number): JavaObject {
  return new JavaObject(JAVA_TIME_HANDLES.OffsetTime, {
    localTime: expectHandle("localTime", time, JAVA_TIME_HANDLES.LocalTime),
    zoneOffset: zoneOffset(offsetSeconds),
  });
}

export function offsetDateTime(dateTime: JavaObject, offsetSeconds: number): JavaObject {
  return new JavaObject(JAVA_TIME_HANDLES.OffsetDateTime, {
    dateTime: expectHandle("localDateTime", dateTime, JAVA_TIME_HANDLES.LocalDateTime),
    offset: zoneOffset(offsetSeconds),
  });
}

/** A ZonedDateTime: the local date-time, the offset in force at that instant, and the zone id. */
export function zonedDateTime(dateTime: JavaObject, offsetSeconds: number, zone: string): JavaObject {
  return new JavaObject(JAVA_TIME_HANDLES.ZonedDateTime, {
    dateTime: expectHandle("localDateTime", dateTime, JAVA_TIME_HANDLES.LocalDateTime),
    offset: zoneOffset(offsetSeconds),
    zoneId: zone,
  });
}
