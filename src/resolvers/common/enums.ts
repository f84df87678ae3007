import { registerEnumType } from 'type-graphql';

/** Gender (性别). */
export enum Gender {
  MALE = 'MALE',
  FEMALE = 'FEMALE',
}
registerEnumType(Gender, { name: 'Gender', description: 'Gender (性别), as in GB/T 2261.1: 男 MALE, 女 FEMALE.' });

/** Residence type (户籍/流动). */
export enum ResidenceType {
  REGISTERED = 'REGISTERED',
  FLOATING = 'FLOATING',
}
registerEnumType(ResidenceType, {
  name: 'ResidenceType',
  description: 'Residence type: registered here (户籍人口) or floating (流动人口).',
});

/** Person status. */
export enum PersonStatus {
  ACTIVE = 'ACTIVE',
  DECEASED = 'DECEASED',
  MOVED_OUT = 'MOVED_OUT',
  MERGED = 'MERGED',
}
registerEnumType(PersonStatus, {
  name: 'PersonStatus',
  description: 'Whether the person is living here (ACTIVE), deceased (死亡), moved out (迁出) or merged into another record.',
});

/** House use (住宅/商铺/出租屋). */
export enum HouseUse {
  RESIDENTIAL = 'RESIDENTIAL',
  SHOP = 'SHOP',
  RENTAL = 'RENTAL',
  OTHER = 'OTHER',
}
registerEnumType(HouseUse, { name: 'HouseUse', description: 'Use of a house: 住宅 RESIDENTIAL, 商铺 SHOP, 出租屋 RENTAL, OTHER.' });

/** Thing status. */
export enum ThingStatus {
  NORMAL = 'NORMAL',
  DAMAGED = 'DAMAGED',
  MISSING = 'MISSING',
  REMOVED = 'REMOVED',
}
registerEnumType(ThingStatus, { name: 'ThingStatus', description: 'Condition of a public component (部件): 正常, 损坏, 丢失, 拆除.' });

/** Area level. */
export enum AreaLevel {
  PROVINCE = 'PROVINCE',
  CITY = 'CITY',
  DISTRICT = 'DISTRICT',
  STREET = 'STREET',
  COMMUNITY = 'COMMUNITY',
  GRID = 'GRID',
}
registerEnumType(AreaLevel, {
  name: 'AreaLevel',
  description: 'Level in the territory hierarchy: 省, 市, 区县, 街道/乡镇, 社区/村, 网格.',
});

/** Case status. */
export enum CaseStatus {
  REPORTED = 'REPORTED',
  FILED = 'FILED',
  INVALID = 'INVALID',
  DISPATCHED = 'DISPATCHED',
  CLAIMED = 'CLAIMED',
  IN_PROGRESS = 'IN_PROGRESS',
  RESOLVED = 'RESOLVED',
  CHECKED = 'CHECKED',
  CLOSED = 'CLOSED',
  PARKED = 'PARKED',
  ESCALATED = 'ESCALATED',
}
registerEnumType(CaseStatus, {
  name: 'CaseStatus',
  description: 'Where a case stands: 上报, 立案, 不予立案, 派遣, 签收, 处置中, 已处置, 已核查, 结案, 挂账, 已上报上级.',
});
