import { registerEnumType } from 'type-graphql';

/** Gender (性别). */
export enum Gender {
  MALE = 'MALE',
  FEMALE = 'FEMALE',
}
registerEnumType(Gender, {
  name: 'Gender',
  description: 'Gender (性别), as in GB/T 2261.1: 男 MALE, 女 FEMALE.',
  valuesConfig: { MALE: { description: '男' }, FEMALE: { description: '女' } },
});

/** Residence type (户籍/流动). */
export enum ResidenceType {
  REGISTERED = 'REGISTERED',
  FLOATING = 'FLOATING',
}
registerEnumType(ResidenceType, {
  name: 'ResidenceType',
  description: 'Residence type: registered here (户籍人口) or floating (流动人口).',
  valuesConfig: {
    REGISTERED: { description: '户籍人口: registered here.' },
    FLOATING: { description: '流动人口: living here, registered elsewhere.' },
  },
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
  description:
    'Whether the person is living here (ACTIVE), deceased (死亡), moved out (迁出) or merged into another record.',
  valuesConfig: {
    ACTIVE: { description: 'Living here.' },
    DECEASED: { description: '死亡: deceased.' },
    MOVED_OUT: { description: '迁出: moved out.' },
    MERGED: { description: 'Merged into another record (a duplicate).' },
  },
});

/** House use (住宅/商铺/出租屋). */
export enum HouseUse {
  RESIDENTIAL = 'RESIDENTIAL',
  SHOP = 'SHOP',
  RENTAL = 'RENTAL',
  OTHER = 'OTHER',
}
registerEnumType(HouseUse, {
  name: 'HouseUse',
  description: 'Use of a house: 住宅 RESIDENTIAL, 商铺 SHOP, 出租屋 RENTAL, OTHER.',
  valuesConfig: {
    RESIDENTIAL: { description: '住宅: dwelling.' },
    SHOP: { description: '商铺: shop.' },
    RENTAL: { description: '出租屋: rented out.' },
    OTHER: { description: 'Other use.' },
  },
});

/** Thing status. */
export enum ThingStatus {
  NORMAL = 'NORMAL',
  DAMAGED = 'DAMAGED',
  MISSING = 'MISSING',
  REMOVED = 'REMOVED',
}
registerEnumType(ThingStatus, {
  name: 'ThingStatus',
  description: 'Condition of a public component (部件): 正常, 损坏, 丢失, 拆除.',
  valuesConfig: {
    NORMAL: { description: '正常: in order.' },
    DAMAGED: { description: '损坏: damaged.' },
    MISSING: { description: '丢失: missing.' },
    REMOVED: { description: '拆除: removed.' },
  },
});

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
  valuesConfig: {
    PROVINCE: { description: '省: province.' },
    CITY: { description: '市: city.' },
    DISTRICT: { description: '区县: district or county (6-digit GB/T 2260 code).' },
    STREET: { description: '街道/乡镇: street or town (9 digits).' },
    COMMUNITY: { description: '社区/村: community or village (12 digits).' },
    GRID: { description: '网格: grid, numbered inside its community.' },
  },
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
  RETURNED = 'RETURNED',
  REOPENED = 'REOPENED',
}
registerEnumType(CaseStatus, {
  name: 'CaseStatus',
  description:
    'Where a case stands: 上报, 立案, 不予立案, 派遣, 签收, 处置中, 已处置, 已核查, 结案, 挂账, 已上报上级.',
  valuesConfig: {
    REPORTED: { description: '上报: received, not yet filed.' },
    FILED: { description: '立案: accepted as a case.' },
    INVALID: { description: '不予立案: not accepted, with a reason.' },
    DISPATCHED: { description: '派遣: sent to the responsible unit.' },
    CLAIMED: { description: '签收: the unit took it.' },
    IN_PROGRESS: { description: '处置中: being handled.' },
    RESOLVED: { description: '已处置: the unit reports it solved.' },
    CHECKED: { description: '已核查: the solution was verified.' },
    CLOSED: { description: '结案: closed.' },
    PARKED: { description: '挂账: parked, cannot be solved now.' },
    ESCALATED: { description: '已上报上级: escalated to the level above.' },
    RETURNED: { description: '回退: sent back by a unit that is not responsible, to be re-dispatched.' },
    REOPENED: { description: '重新办理: reopened after an unsatisfied rating.' },
  },
});

/** How a review queue item is answered. */
export enum ReviewDecision {
  KEEP = 'KEEP',
  TAKE_OTHER = 'TAKE_OTHER',
  MERGE = 'MERGE',
}
registerEnumType(ReviewDecision, {
  name: 'ReviewDecision',
  description: 'How a reviewer answered an item of the review queue (待核实).',
  valuesConfig: {
    KEEP: {
      description:
        'The ledger stays as it is: a conflict keeps its shown value (the same disagreement is not raised again), a doubtful match is two persons, a row was checked.',
    },
    TAKE_OTHER: {
      description:
        "Conflicts: the other source's value becomes the shown one, recorded as the reviewer's edit; a later roster does not overwrite it, nor raise the value turned down again (another value is a new conflict).",
    },
    MERGE: {
      description:
        "Doubtful matches: the row's person is merged into the candidate (see mergePersons); every open match between the two is answered (and opened again if the merge is undone).",
    },
  },
});
